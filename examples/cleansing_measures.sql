-- Seed 002, the batch half: a bounded run over topic test_staging (written by
-- examples/cleansing.sql) computes, per 5-minute window:
--   out/measures/users   the approximate number of distinct users (emails)
--   out/measures/most    the most represented country and its number of records
--   out/measures/least   the least represented country and its number of records
-- Ties go to the country first by name. Each is a CSV file with a header, appended once when
-- the topic's end is reached: the aggregations and rankings read input that ends, so their
-- results are final there.
--
--   sluice run examples/cleansing_measures.sql
SET 'pipeline.name' = 'cleansing_measures';

CREATE TABLE staging (
  window_start TIMESTAMP, window_end TIMESTAMP, country STRING, email STRING, records BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'test_staging',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json'
);

CREATE VIEW per_country AS
SELECT window_start, window_end, country, sum(records) AS records
FROM staging
GROUP BY window_start, window_end, country;

CREATE TABLE users_per_window (window_start TIMESTAMP, window_end TIMESTAMP, users BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out/measures/users', 'format' = 'csv');

CREATE TABLE most_represented (
  window_start TIMESTAMP, window_end TIMESTAMP, country STRING, records BIGINT
) WITH ('connector' = 'filesystem', 'path' = 'out/measures/most', 'format' = 'csv');

CREATE TABLE least_represented (
  window_start TIMESTAMP, window_end TIMESTAMP, country STRING, records BIGINT
) WITH ('connector' = 'filesystem', 'path' = 'out/measures/least', 'format' = 'csv');

INSERT INTO users_per_window
SELECT window_start, window_end, approx_count_distinct(email)
FROM staging
GROUP BY window_start, window_end;

INSERT INTO most_represented
SELECT window_start, window_end, country, records FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end
                               ORDER BY records DESC, country) AS rn
  FROM per_country
) WHERE rn = 1;

INSERT INTO least_represented
SELECT window_start, window_end, country, records FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end
                               ORDER BY records ASC, country) AS rn
  FROM per_country
) WHERE rn = 1;
