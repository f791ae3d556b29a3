package io.junctionmq.routing;

import io.junctionmq.model.Exchange;

/** An exchange with its router and the name of its alternate exchange, read once. */
record ExchangeEntry(Exchange exchange, ExchangeRouter router, String alternate) {

  ExchangeEntry(Exchange exchange, ExchangeRouter router) {
    this(exchange, router, exchange.alternateExchange());
  }
}
