package io.junctionmq.security;

import io.vertx.core.Future;
import java.util.List;

/**
 * The record of users, their permissions, and the vhost and user limits. Futures fail with {@link
 * io.junctionmq.store.StoreException} when the store cannot be reached.
 */
public interface SecurityStore {

  /** Everything, as stored. */
  Future<Snapshot> load();

  /** Inserts or replaces the user. */
  Future<Void> saveUser(User user);

  /** Deletes the user with its permissions and limits; deleting a user that is not there is no error. */
  Future<Void> deleteUser(String name);

  /**
   * Stores {@code user} and {@code permission} if the store has no user at all; completes
   * with whether it did (several nodes starting on an empty store create one).
   */
  Future<Boolean> createFirstUser(User user, Permission permission);

  /** Inserts or replaces the user's permissions in the vhost (both must exist). */
  Future<Void> savePermission(Permission permission);

  Future<Void> deletePermission(String user, String vhost);

  Future<Void> saveTopicPermission(TopicPermission permission);

  Future<Void> deleteTopicPermission(String user, String vhost, String exchange);

  /** Inserts or replaces the vhost's limits. */
  Future<Void> saveVhostLimits(VhostLimits limits);

  /** A vhost is deleted: its permissions and limits go with it. */
  Future<Void> vhostDeleted(String vhost);

  /** Inserts or replaces the user's limits (the user must exist). */
  Future<Void> saveUserLimits(UserLimits limits);

  record Snapshot(List<User> users, List<Permission> permissions, List<TopicPermission> topicPermissions,
                  List<VhostLimits> vhostLimits, List<UserLimits> userLimits) {
    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), List.of(), List.of(), List.of());
  }
}
