-- Seed 002, a batch job over the cleansed files: reads the Parquet files examples/cleansing.sql
-- wrote (out/cleansing/people, partitioned by day) and counts the people per day and country,
-- with how many have no valid IPv4 address, into one CSV file. The day comes from the partition
-- folders (dt=2026-12-06/); files still being written are hidden and not read.
--
--   sluice run examples/cleansing_report.sql
SET 'pipeline.name' = 'cleansing_report';

CREATE TABLE cleansed_people (
  id INT, first_name STRING, last_name STRING, email STRING, gender STRING, ip_addr STRING,
  `date` STRING, country STRING, kafka_ts TIMESTAMP, dt STRING
) WITH (
  'connector' = 'filesystem',
  'path' = 'out/cleansing/people',
  'format' = 'parquet'
);

CREATE TABLE people_per_day (dt STRING, country STRING, people BIGINT, without_ip BIGINT)
WITH (
  'connector' = 'filesystem',
  'path' = 'out/cleansing/report',
  'format' = 'csv',
  'csv.header' = 'true'
);

INSERT INTO people_per_day
SELECT dt, country, count(*) AS people,
       sum(CASE WHEN ip_addr = '127.127.127.127' THEN 1 ELSE 0 END) AS without_ip
FROM cleansed_people
GROUP BY dt, country;
