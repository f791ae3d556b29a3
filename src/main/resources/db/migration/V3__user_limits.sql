-- Junction schema, version 3: RabbitMQ's user limits (max-connections per user).
--
-- A user's limits go with the user (ON DELETE CASCADE). Null: no limit.

CREATE TABLE user_limit (
  username        text    PRIMARY KEY REFERENCES app_user (name) ON DELETE CASCADE,
  max_connections integer
);
