-- Junction schema, version 4: the message ids a deduplicating queue accepted
-- (x-message-deduplication), each until its window ends (epoch ms, the broker's clock).
--
-- Written in the same transaction as the message they came with, so that a confirmed
-- message and its id are stored together; a new owner loads the unexpired ones. Like
-- message, no foreign key: the queue's deletion deletes its rows.

CREATE TABLE dedup (
  queue_id   bigint NOT NULL,
  message_id text   NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (queue_id, message_id)
);

CREATE INDEX dedup_expiry ON dedup (queue_id, expires_at);
