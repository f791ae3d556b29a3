package io.junctionmq.security;

class InMemorySecurityStoreTest extends SecurityStoreContract {
  @Override
  protected SecurityStore emptyStore() {
    return new InMemorySecurityStore();
  }
}
