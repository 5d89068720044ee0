-- cashback, self-contained: the reference pipeline of DESIGN.md §1 on sluice's embedded
-- connectors, so it runs with nothing else installed.
--
--   input   the seeded cashback generator: 100,000 card payments, 1% of them malformed
--   output  SQLite table eligible_customers in out/cashback.db, the same rows as JSON lines
--           under out/eligible_customers/, and every malformed record in error_table
--
-- Run it with `sluice run examples/cashback_local.sql`; `sluice explain` shows the plan.
SET 'pipeline.name' = 'cashback';

CREATE TABLE cashback (
  transaction_id STRING,
  customer_id    STRING NOT NULL,
  `timestamp`    TIMESTAMP NOT NULL,
  product_id     STRING,
  amount         INT,
  merchant_id    STRING
) WITH (
  'connector' = 'datagen',
  'scenario' = 'cashback',
  'number-of-rows' = '100000',
  'seed' = '42',
  'start-time' = '2024-06-01 09:00:00',
  'bad-fraction' = '0.01',
  'errors' = 'dead-letter',
  'errors.table' = 'error_table'
);

CREATE TABLE eligible_customers (
  customer_id STRING,
  amount      INT,
  cashback    DECIMAL(10, 2),
  merchant_id STRING,
  `timestamp` TIMESTAMP
) WITH ('connector' = 'sqlite', 'path' = 'out/cashback.db');

CREATE TABLE eligible_customers_json (
  customer_id STRING,
  amount      INT,
  cashback    DECIMAL(10, 2),
  merchant_id STRING,
  `timestamp` TIMESTAMP
) WITH ('connector' = 'filesystem', 'path' = 'out/eligible_customers', 'format' = 'json');

-- The seed's error_table(value, event_timestamp, batch_id), plus why and where.
CREATE TABLE error_table (
  value           STRING,
  event_timestamp TIMESTAMP,
  batch_id        BIGINT,
  reason          STRING,
  topic           STRING,
  `partition`     INT,
  `offset`        BIGINT
) WITH ('connector' = 'sqlite', 'path' = 'out/cashback.db');

INSERT INTO eligible_customers
SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback
WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');

INSERT INTO eligible_customers_json
SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback
WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');
