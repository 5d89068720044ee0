-- wordcount: seed 003 on the real Kafka broker and the stack's MariaDB (start them with
-- `scripts/stack up`; feed it with `sluice produce`).
--
--   input   topic kpmg_topic: restaurant names as JSON strings ("Joe's Pizza & Grill")
--   output  MariaDB wordCount(words, count): each message and its number of words (the seed's
--           table); word_counts(word PRIMARY KEY, count): a running frequency of every word,
--           lower-cased and split on non-letters, upserted as it changes
--
--   sluice produce --scenario words --topic kpmg_topic --count 100000
--   sluice produce --file names.json --topic kpmg_topic       (a JSON array or lines of strings)
--   sluice run examples/wordcount.sql                         (Ctrl-C stops it cleanly)
--
-- Exactly-once: both tables commit their rows together with the Kafka offsets they cover.
SET 'pipeline.name' = 'wordcount';
SET 'execution.checkpointing.interval' = '1 s';

CREATE TABLE names (
  name STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'kpmg_topic',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'sluice-wordcount',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'errors' = 'dead-letter',
  'errors.table' = 'word_errors'
);

CREATE TABLE wordCount (
  words   STRING,
  `count` INT
) WITH (
  'connector' = 'mysql',
  'url' = 'mysql://sluice:sluice@127.0.0.1:3306/sluice',
  'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TABLE word_counts (
  word    STRING,
  `count` BIGINT,
  PRIMARY KEY (word) NOT ENFORCED
) WITH (
  'connector' = 'mysql',
  'url' = 'mysql://sluice:sluice@127.0.0.1:3306/sluice',
  'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TABLE word_errors (
  value       STRING,
  reason      STRING,
  topic       STRING,
  `partition` INT,
  `offset`    BIGINT
) WITH (
  'connector' = 'mysql',
  'url' = 'mysql://sluice:sluice@127.0.0.1:3306/sluice',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO wordCount
SELECT name, size(split(trim(name), ' +'))
FROM names;

INSERT INTO word_counts
SELECT word, count(*)
FROM names CROSS JOIN UNNEST(split(lower(name), '[^a-z]+')) AS w(word)
WHERE word <> ''
GROUP BY word;
