package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.List;
import java.util.Map;

/** Routes every message to every binding, ignoring the routing key and headers. */
final class FanoutRouter implements ExchangeRouter {

  static final FanoutRouter EMPTY = new FanoutRouter(BindingGroup.EMPTY);

  private final BindingGroup all;

  private FanoutRouter(BindingGroup all) {
    this.all = all;
  }

  @Override
  public ExchangeType type() {
    return ExchangeType.FANOUT;
  }

  @Override
  public Destinations match(String routingKey, Map<String, String> headers) {
    return all.destinations();
  }

  @Override
  public List<Binding> bindings() {
    return all.bindings();
  }

  @Override
  public ExchangeRouter add(Binding binding) {
    return all.contains(binding) ? this : new FanoutRouter(all.plus(binding));
  }

  @Override
  public ExchangeRouter remove(Binding binding) {
    return all.contains(binding) ? new FanoutRouter(all.minus(binding)) : this;
  }
}
