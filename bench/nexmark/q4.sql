-- Nexmark q4, average selling price per category: the winning (highest) bid of every auction
-- among the bids made while it was open, then the average of those prices per category. The
-- inner aggregation's result changes as bids arrive; each change withdraws the auction's old
-- price from the outer average before adding the new one (update mode, upserted by category).
CREATE TABLE nexmark_q4 (
  id BIGINT, final BIGINT, PRIMARY KEY (id) NOT ENFORCED
) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q4
SELECT Q.category, AVG(Q.final)
FROM (
  SELECT MAX(B.price) AS final, A.category
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
