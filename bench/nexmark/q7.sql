-- Nexmark q7, highest bid: the bids with the highest price in each 10-second window. Flink's
-- text joins bids with the per-window maximum price; the same result is the Window Top-N with
-- RANK() over the window's bids.
CREATE TABLE nexmark_q7 (
  auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra STRING
) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q7
SELECT auction, bidder, price, dateTime, extra
FROM (
  SELECT *, RANK() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
)
WHERE rownum <= 1;
