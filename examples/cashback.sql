-- cashback: the reference pipeline of DESIGN.md §1 on the real Kafka broker and PostgreSQL
-- (start them with `scripts/stack up`; feed it with `sluice produce`).
--
--   input   topic cashback_topic: card payments as JSON, some of them malformed
--   output  PostgreSQL eligible_customers and topic eligible_customers_topic: payments over 500
--           at merch_1 or merch_3 with 15% cashback; every malformed record in error_table
--
--   sluice produce --scenario cashback --topic cashback_topic --count 100000 --bad-fraction 0.01
--   PGPASSWORD=sluice sluice run examples/cashback.sql        (Ctrl-C stops it cleanly)
--
-- Exactly-once: each sink commits its rows together with the Kafka offsets they cover, every
-- second; after a crash or kill -9 the pipeline resumes exactly where each sink stopped. While
-- PostgreSQL is down rows are spilled to .sluice/spill/ and replayed when it is back.
SET 'pipeline.name' = 'cashback';
SET 'execution.checkpointing.interval' = '1 s';

CREATE TABLE cashback (
  transaction_id STRING,
  customer_id    STRING NOT NULL,
  `timestamp`    TIMESTAMP NOT NULL,
  product_id     STRING,
  amount         INT,
  merchant_id    STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'cashback_topic',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'sluice-cashback',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'errors' = 'dead-letter',
  'errors.table' = 'error_table'
);

CREATE TABLE eligible_customers (
  customer_id STRING,
  amount      INT,
  cashback    DECIMAL(10, 2),
  merchant_id STRING,
  `timestamp` TIMESTAMP
) WITH (
  'connector' = 'postgres',
  'url' = 'postgresql://sluice@127.0.0.1:5432/sluice',
  'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TABLE eligible_customers_topic (
  customer_id STRING,
  amount      INT,
  cashback    DECIMAL(10, 2),
  merchant_id STRING,
  `timestamp` TIMESTAMP
) WITH (
  'connector' = 'kafka',
  'topic' = 'eligible_customers_topic',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.fields' = 'customer_id',
  'sink.delivery-guarantee' = 'exactly-once'
);

-- The seed's error_table(value, event_timestamp, batch_id), plus why and where.
CREATE TABLE error_table (
  value           STRING,
  event_timestamp TIMESTAMP,
  batch_id        BIGINT,
  reason          STRING,
  topic           STRING,
  `partition`     INT,
  `offset`        BIGINT
) WITH (
  'connector' = 'postgres',
  'url' = 'postgresql://sluice@127.0.0.1:5432/sluice',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO eligible_customers
SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback
WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');

INSERT INTO eligible_customers_topic
SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback
WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');
