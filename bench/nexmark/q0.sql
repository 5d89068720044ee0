-- Nexmark q0, pass through: every bid, unchanged. Measures reading, decoding and writing.
CREATE TABLE nexmark_q0 (
  auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra STRING
) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q0
SELECT auction, bidder, price, dateTime, extra FROM bid;
