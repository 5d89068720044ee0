-- Nexmark q5, hot items: the auctions with the most bids in each 10-second window sliding
-- every 2 seconds. Flink's text joins the per-auction counts with their per-window maximum;
-- the same result is the Window Top-N with RANK() (ties kept, as the join keeps them).
CREATE TABLE nexmark_q5 (auction BIGINT, num BIGINT, starttime TIMESTAMP(3)) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q5
SELECT auction, num, window_start
FROM (
  SELECT auction, num, window_start, window_end,
         RANK() OVER (PARTITION BY window_start, window_end ORDER BY num DESC) AS rownum
  FROM (
    SELECT auction, count(*) AS num, window_start, window_end
    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    GROUP BY auction, window_start, window_end
  )
)
WHERE rownum <= 1;
