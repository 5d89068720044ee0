-- Seed 001 (DESIGN.md §1 "finance"): nested finance transactions from Kafka topic
-- incoming_finance_data are flattened and upserted into Cassandra, exactly-once:
--   finance.transactions    one row per transaction, with the seed's schema: its items exploded
--                           (Spark's explode, as LATERAL VIEW) and summed (products_list, total_price_spent, total_quantity_bought),
--                           shipping_info flattened, a null amount or balance as 0, rows without a
--                           transaction_type dropped
--   finance.account_daily   per account and 1-day event-time window of transaction_date (1-day
--                           watermark): total, average and count of amount
--
--   scripts/stack up kafka cassandra
--   sluice produce --scenario finance --topic incoming_finance_data --count 10000
--   sluice run examples/finance.sql             (Ctrl-C to stop; --bounded to stop at the end)
--   python3 scripts/cassandra/cql.py --user sluice --password sluice \
--     "SELECT count(*) FROM finance.transactions"
SET 'pipeline.name' = 'finance';

CREATE TABLE finance_events (
  transaction_id STRING NOT NULL,
  account_number BIGINT,
  account_holder STRING,
  transaction_type STRING,
  amount DOUBLE,
  currency STRING,
  transaction_date DATE,
  merchant_name STRING,
  merchant_category STRING,
  location STRING,
  balance_after_transaction DOUBLE,
  transaction_items ARRAY<ROW<item_id STRING, product_name STRING, quantity INT, unit_price DOUBLE>>,
  shipping_info ROW<address STRING, shipping_method STRING, shipping_cost DOUBLE,
                    estimated_delivery DATE, tracking_number STRING>,
  customer_feedback BOOLEAN,
  discount_applied BOOLEAN,
  event_time AS CAST(transaction_date AS TIMESTAMP),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' DAY
) WITH (
  'connector' = 'kafka',
  'topic' = 'incoming_finance_data',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'finance',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'errors' = 'skip'
);

-- The seed's table (transaction_id and tracking_number are Cassandra uuids).
CREATE TABLE transactions (
  transaction_id STRING, account_number STRING, account_holder STRING, transaction_type STRING,
  amount DOUBLE, currency STRING, transaction_date DATE, merchant_name STRING,
  merchant_category STRING, location STRING, balance_after_transaction DOUBLE,
  shipping_address STRING, shipping_method STRING, shipping_cost DOUBLE, estimated_delivery DATE,
  tracking_number STRING, customer_feedback BOOLEAN, discount_applied BOOLEAN,
  products_list STRING, total_price_spent DOUBLE, total_quantity_bought INT,
  PRIMARY KEY (transaction_id) NOT ENFORCED
) WITH (
  'connector' = 'cassandra',
  'hosts' = '127.0.0.1',
  'port' = '9042',
  'keyspace' = 'finance',
  'table' = 'transactions',
  'username' = 'sluice',
  'password' = 'sluice',
  'sink.create-keyspace' = 'true',
  'sink.column-types' = 'transaction_id uuid, tracking_number uuid',
  'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TABLE account_daily (
  account_number STRING, window_start TIMESTAMP, window_end TIMESTAMP,
  total_amount DOUBLE, average_amount DOUBLE, transactions BIGINT,
  PRIMARY KEY (account_number, window_start) NOT ENFORCED
) WITH (
  'connector' = 'cassandra',
  'keyspace' = 'finance',
  'table' = 'account_daily',
  'username' = 'sluice',
  'password' = 'sluice',
  'sink.create-keyspace' = 'true',
  -- One exactly-once sink per pipeline may follow stateful queries; a window's final row is
  -- an upsert by key, so a replay after a crash rewrites the same values here too.
  'sink.delivery-guarantee' = 'at-least-once'
);

CREATE VIEW cleaned AS
SELECT transaction_id, CAST(account_number AS STRING) AS account_number, account_holder,
       transaction_type, coalesce(amount, 0) AS amount, currency, transaction_date, merchant_name,
       merchant_category, location, coalesce(balance_after_transaction, 0) AS balance_after_transaction,
       transaction_items, shipping_info, customer_feedback, discount_applied, event_time
FROM finance_events
WHERE transaction_type IS NOT NULL;

INSERT INTO transactions
SELECT c.transaction_id, c.account_number, c.account_holder, c.transaction_type, c.amount,
       c.currency, c.transaction_date, c.merchant_name, c.merchant_category, c.location,
       c.balance_after_transaction,
       c.shipping_info.address, c.shipping_info.shipping_method, c.shipping_info.shipping_cost,
       c.shipping_info.estimated_delivery, c.shipping_info.tracking_number,
       c.customer_feedback, c.discount_applied,
       concat_ws(',', collect_list(item.product_name)) AS products_list,
       sum(item.quantity * item.unit_price) AS total_price_spent,
       CAST(sum(item.quantity) AS INT) AS total_quantity_bought
FROM cleaned AS c
LATERAL VIEW explode(c.transaction_items) items AS item
GROUP BY c.transaction_id, c.account_number, c.account_holder, c.transaction_type, c.amount,
         c.currency, c.transaction_date, c.merchant_name, c.merchant_category, c.location,
         c.balance_after_transaction, c.shipping_info.address, c.shipping_info.shipping_method,
         c.shipping_info.shipping_cost, c.shipping_info.estimated_delivery,
         c.shipping_info.tracking_number, c.customer_feedback, c.discount_applied;

INSERT INTO account_daily
SELECT account_number, window_start, window_end, sum(amount) AS total_amount,
       avg(amount) AS average_amount, count(*) AS transactions
FROM TABLE(TUMBLE(TABLE cleaned, DESCRIPTOR(event_time), INTERVAL '1' DAY))
GROUP BY account_number, window_start, window_end;
