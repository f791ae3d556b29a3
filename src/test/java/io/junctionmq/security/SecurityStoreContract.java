package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.security.SecurityStore.Snapshot;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SecurityStore} does, run against each implementation. */
abstract class SecurityStoreContract {
  private SecurityStore store;

  /** An empty store whose vhosts {@code /} and {@code shop} exist. */
  protected abstract SecurityStore emptyStore();

  @BeforeEach
  void empty() {
    store = emptyStore();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Snapshot load() {
    return await(store.load());
  }

  private static User user(String name, String... tags) {
    return new User(name, "kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G", Passwords.RABBIT_SHA256, List.of(tags));
  }

  @Test
  void anEmptyStoreHasNothing() {
    assertEquals(Snapshot.EMPTY, load());
  }

  @Test
  void usersAreStoredReplacedAndDeletedByName() {
    await(store.saveUser(user("bob")));
    await(store.saveUser(user("alice", "administrator", "custom-tag")));
    assertEquals(List.of(user("alice", "administrator", "custom-tag"), user("bob")), load().users());
    var changed = new User("bob", null, Passwords.PBKDF2, List.of("monitoring"));
    await(store.saveUser(changed));
    assertEquals(changed, load().users().get(1));
    await(store.deleteUser("bob"));
    await(store.deleteUser("nobody"));
    assertEquals(List.of("alice"), load().users().stream().map(User::name).toList());
  }

  @Test
  void theFirstUserIsCreatedOnlyInAnEmptyStore() {
    assertTrue(await(store.createFirstUser(user("guest", "administrator"), Permission.all("guest", "/"))));
    assertFalse(await(store.createFirstUser(user("other"), Permission.all("other", "/"))));
    Snapshot s = load();
    assertEquals(List.of(user("guest", "administrator")), s.users());
    assertEquals(List.of(Permission.all("guest", "/")), s.permissions());
  }

  @Test
  void permissionsAreOnePerUserAndVhost() {
    await(store.saveUser(user("bob")));
    await(store.savePermission(new Permission("bob", "/", "^bob", "x", "")));
    await(store.savePermission(new Permission("bob", "shop", ".*", ".*", ".*")));
    await(store.savePermission(new Permission("bob", "/", "^bob\\.", "y", "z")));
    assertEquals(List.of(new Permission("bob", "/", "^bob\\.", "y", "z"), Permission.all("bob", "shop")),
        load().permissions());
    await(store.deletePermission("bob", "shop"));
    assertEquals(List.of(new Permission("bob", "/", "^bob\\.", "y", "z")), load().permissions());
  }

  @Test
  void topicPermissionsAreOnePerUserVhostAndExchange() {
    await(store.saveUser(user("bob")));
    var topic = new TopicPermission("bob", "/", "amq.topic", "^user\\.{username}\\.", ".*");
    await(store.saveTopicPermission(topic));
    await(store.saveTopicPermission(new TopicPermission("bob", "/", "other", "a", "b")));
    await(store.saveTopicPermission(new TopicPermission("bob", "/", "other", "c", "d")));
    assertEquals(List.of(topic, new TopicPermission("bob", "/", "other", "c", "d")), load().topicPermissions());
    await(store.deleteTopicPermission("bob", "/", "other"));
    assertEquals(List.of(topic), load().topicPermissions());
  }

  @Test
  void deletingAUserDeletesItsPermissionsAndNoOthers() {
    await(store.saveUser(user("bob")));
    await(store.saveUser(user("alice")));
    await(store.savePermission(Permission.all("bob", "/")));
    await(store.savePermission(Permission.all("alice", "/")));
    await(store.saveTopicPermission(new TopicPermission("bob", "/", "t", ".*", ".*")));
    await(store.deleteUser("bob"));
    assertEquals(List.of(Permission.all("alice", "/")), load().permissions());
    assertEquals(List.of(), load().topicPermissions());
  }

  @Test
  void vhostLimitsAreReplacedWhole() {
    await(store.saveVhostLimits(new VhostLimits("shop", 10, null)));
    await(store.saveVhostLimits(new VhostLimits("shop", null, 5)));
    assertEquals(List.of(new VhostLimits("shop", null, 5)), load().vhostLimits());
  }

  @Test
  void aDeletedVhostTakesItsPermissionsAndLimitsWithIt() {
    await(store.saveUser(user("bob")));
    await(store.savePermission(Permission.all("bob", "/")));
    await(store.savePermission(Permission.all("bob", "shop")));
    await(store.saveTopicPermission(new TopicPermission("bob", "shop", "t", ".*", ".*")));
    await(store.saveVhostLimits(new VhostLimits("shop", 1, 1)));
    await(store.vhostDeleted("shop"));
    Snapshot s = load();
    assertEquals(List.of(Permission.all("bob", "/")), s.permissions());
    assertEquals(List.of(), s.topicPermissions());
    assertEquals(List.of(), s.vhostLimits());
  }

  @Test
  void userLimitsAreReplacedWholeAndGoWithTheirUser() {
    await(store.saveUser(user("bob")));
    await(store.saveUser(user("alice")));
    await(store.saveUserLimits(new UserLimits("bob", 3)));
    await(store.saveUserLimits(new UserLimits("alice", 1)));
    await(store.saveUserLimits(new UserLimits("bob", 5)));
    assertEquals(List.of(new UserLimits("alice", 1), new UserLimits("bob", 5)), load().userLimits());
    await(store.saveUserLimits(UserLimits.none("alice")));
    assertEquals(List.of(UserLimits.none("alice"), new UserLimits("bob", 5)), load().userLimits());
    await(store.deleteUser("bob"));
    assertEquals(List.of(UserLimits.none("alice")), load().userLimits());
  }

  @Test
  void limitsOfAUserThatDoesNotExistAreRefused() {
    assertThrows(AssertionError.class, () -> await(store.saveUserLimits(new UserLimits("nobody", 1))));
    assertEquals(List.of(), load().userLimits());
  }
}
