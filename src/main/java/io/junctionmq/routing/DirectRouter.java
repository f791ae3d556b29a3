package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Routes a message to the bindings whose routing key equals the message's. */
final class DirectRouter implements ExchangeRouter {

  static final DirectRouter EMPTY = new DirectRouter(List.of(), Map.of());

  private final List<Binding> bindings;
  private final Map<String, BindingGroup> byKey;

  private DirectRouter(List<Binding> bindings, Map<String, BindingGroup> byKey) {
    this.bindings = bindings;
    this.byKey = byKey;
  }

  @Override
  public ExchangeType type() {
    return ExchangeType.DIRECT;
  }

  @Override
  public Destinations match(String routingKey, Map<String, String> headers) {
    BindingGroup group = byKey.get(routingKey);
    return group == null ? Destinations.NONE : group.destinations();
  }

  @Override
  public List<Binding> bindings() {
    return bindings;
  }

  @Override
  public ExchangeRouter add(Binding binding) {
    BindingGroup group = byKey.getOrDefault(binding.routingKey(), BindingGroup.EMPTY);
    if (group.contains(binding)) {
      return this;
    }
    var next = new HashMap<>(byKey);
    next.put(binding.routingKey(), group.plus(binding));
    return new DirectRouter(CopyOnWrite.plus(bindings, binding), next);
  }

  @Override
  public ExchangeRouter remove(Binding binding) {
    BindingGroup group = byKey.get(binding.routingKey());
    if (group == null || !group.contains(binding)) {
      return this;
    }
    var next = new HashMap<>(byKey);
    BindingGroup rest = group.minus(binding);
    if (rest.isEmpty()) {
      next.remove(binding.routingKey());
    } else {
      next.put(binding.routingKey(), rest);
    }
    return new DirectRouter(CopyOnWrite.minus(bindings, binding), next);
  }
}
