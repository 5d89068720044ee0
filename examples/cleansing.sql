-- Seed 002, the streaming half (DESIGN.md §1 "cleansing"): people records from Kafka topic
-- test_input are cleaned, written to Parquet files partitioned by day (exactly-once), and
-- grouped per 5-minute tumbling window of their Kafka timestamp into topic test_staging, which
-- examples/cleansing_measures.sql reads in a bounded run.
--
--   sluice produce --scenario people --topic test_input --count 100000
--   sluice run examples/cleansing.sql            (Ctrl-C to stop; --bounded to stop at the end)
--
-- Cleaning rules, as the seed's PySpark job applies them:
--   first_name, email   NULL becomes the text 'NULL'
--   date                'dd/MM/yyyy' (a date the pattern 'd/M/yyyy' reads; anything else NULL)
--   country             initcap ('uNITED states' -> 'United States')
--   ip_address          kept as ip_addr when it is a dotted IPv4 address with octets 0..255,
--                       otherwise '127.127.127.127'
--   kafka_ts            the Kafka record's timestamp, kept
SET 'pipeline.name' = 'cleansing';

CREATE TABLE people (
  id INT,
  first_name STRING,
  last_name STRING,
  email STRING,
  gender STRING,
  ip_address STRING,
  `date` STRING,
  country STRING,
  kafka_ts TIMESTAMP METADATA FROM 'timestamp',
  WATERMARK FOR kafka_ts AS kafka_ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'test_input',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.group.id' = 'cleansing',
  'scan.startup.mode' = 'earliest-offset',
  'scan.watermark.idle-timeout' = '10 s',
  'format' = 'json',
  'errors' = 'dead-letter',
  'errors.table' = 'people_errors'
);

CREATE TABLE people_errors (
  `topic` STRING, `partition` INT, `offset` BIGINT, `value` STRING, reason STRING
) WITH ('connector' = 'filesystem', 'path' = 'out/cleansing/errors', 'format' = 'json');

CREATE VIEW cleansed AS
SELECT
  id,
  coalesce(first_name, 'NULL') AS first_name,
  last_name,
  coalesce(email, 'NULL') AS email,
  gender,
  CASE
    WHEN ip_address RLIKE '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$'
    THEN ip_address
    ELSE '127.127.127.127'
  END AS ip_addr,
  date_format(to_date(`date`, 'd/M/yyyy'), 'dd/MM/yyyy') AS `date`,
  initcap(country) AS country,
  kafka_ts
FROM people;

CREATE TABLE cleansed_people (
  id INT, first_name STRING, last_name STRING, email STRING, gender STRING, ip_addr STRING,
  `date` STRING, country STRING, kafka_ts TIMESTAMP, dt STRING
) PARTITIONED BY (dt) WITH (
  'connector' = 'filesystem',
  'path' = 'out/cleansing/people',
  'format' = 'parquet',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO cleansed_people
SELECT id, first_name, last_name, email, gender, ip_addr, `date`, country, kafka_ts,
       date_format(kafka_ts, 'yyyy-MM-dd') AS dt
FROM cleansed;

-- Per 5-minute window of the Kafka timestamp, each (country, email) with its number of records.
CREATE TABLE test_staging (
  window_start TIMESTAMP, window_end TIMESTAMP, country STRING, email STRING, records BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'test_staging',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO test_staging
SELECT window_start, window_end, country, email, count(*) AS records
FROM TABLE(TUMBLE(TABLE cleansed, DESCRIPTOR(kafka_ts), INTERVAL '5' MINUTES))
GROUP BY window_start, window_end, country, email;
