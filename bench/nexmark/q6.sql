-- Nexmark q6, average selling price by seller: the final (highest) price of every auction once
-- it has closed, then per seller the average of its last 10 closed auctions (Flink's text, which
-- Flink itself cannot run, made runnable). An auction's group closes when the watermark passes
-- its `expires`: the join bounds every bid's time by it. Closed auctions come out in order of
-- `expires`, which the OVER aggregate orders by.
CREATE TABLE nexmark_q6 (seller BIGINT, avg_price DOUBLE) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q6
SELECT Q.seller,
       AVG(Q.final) OVER (PARTITION BY Q.seller ORDER BY Q.expires
                          ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
FROM (
  SELECT A.id, A.seller, A.expires, MAX(B.price) AS final
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.seller, A.expires
) Q;
