-- Junction schema, version 2: users, their permissions, and limits (RabbitMQ's access model).
--
-- Permissions hang off their user and their vhost with ON DELETE CASCADE: deleting either
-- deletes them.

CREATE TABLE app_user (
  name              text   PRIMARY KEY,
  -- null: no password login (tokens only)
  password_hash     text,
  hashing_algorithm text   NOT NULL,
  tags              text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE user_permission (
  username  text NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
  vhost     text NOT NULL REFERENCES vhost (name) ON DELETE CASCADE,
  configure text NOT NULL,
  write     text NOT NULL,
  read      text NOT NULL,
  PRIMARY KEY (username, vhost)
);

CREATE TABLE topic_permission (
  username text NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
  vhost    text NOT NULL REFERENCES vhost (name) ON DELETE CASCADE,
  exchange text NOT NULL,
  write    text NOT NULL,
  read     text NOT NULL,
  PRIMARY KEY (username, vhost, exchange)
);

CREATE TABLE vhost_limit (
  vhost           text    PRIMARY KEY REFERENCES vhost (name) ON DELETE CASCADE,
  max_connections integer,
  max_queues      integer
);
