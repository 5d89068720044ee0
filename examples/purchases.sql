-- purchases: the reference pipeline of DESIGN.md §1 (seed 004) on the real Kafka broker
-- (start it with `scripts/stack up`; feed it with `sluice produce`).
--
--   input   topic purchases: furniture orders as JSON, `ts` in Unix seconds within the hour
--           before the order was produced (so event time is out of order by up to an hour)
--   output  the console: total purchase per 10-minute event-time window, the whole table
--           (complete mode) every 10 seconds, like Spark's console sink
--
--   sluice produce --scenario purchases --topic purchases --count 100000 --rate 2000
--   sluice run examples/purchases.sql        (Ctrl-C stops it cleanly)
--
-- The Spark job it replaces:
--   df.withColumn("event_time", from_unixtime("ts").cast("timestamp"))
--     .groupBy(window("event_time", "10 minutes")).agg(sum("price").alias("total_purchase"))
--     .writeStream.outputMode("complete").format("console").trigger(processingTime="10 seconds")
SET 'pipeline.name' = 'purchases';
SET 'output-mode' = 'complete';
SET 'trigger.interval' = '10 s';

CREATE TABLE purchases (
  order_id    STRING,
  customer_id INT,
  furniture   STRING,
  color       STRING,
  price       BIGINT,
  ts          BIGINT NOT NULL,
  event_time AS CAST(from_unixtime(ts) AS TIMESTAMP),
  WATERMARK FOR event_time AS event_time - INTERVAL '10' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'purchases',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'errors' = 'dead-letter',
  'errors.table' = 'purchases_errors'
);

-- Records that are not purchases (not JSON, no ts) go to a topic of their own, with the reason.
CREATE TABLE purchases_errors (
  `value`     STRING,
  reason      STRING,
  topic       STRING,
  `partition` INT,
  `offset`    BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'purchases_errors',
  'properties.bootstrap.servers' = '127.0.0.1:9092'
);

SELECT window.start AS window_start, window.`end` AS window_end, SUM(price) AS total_purchase
FROM purchases
GROUP BY window(event_time, '10 minutes');
