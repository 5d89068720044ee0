-- Nexmark q1, currency conversion: bid prices in euros.
CREATE TABLE nexmark_q1 (
  auction BIGINT, bidder BIGINT, price DECIMAL(18, 3), dateTime TIMESTAMP(3), extra STRING
) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q1
SELECT auction, bidder, CAST(0.908 * price AS DECIMAL(18, 3)) AS price, dateTime, extra FROM bid;
