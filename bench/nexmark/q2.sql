-- Nexmark q2, selection: bids on a few auctions.
CREATE TABLE nexmark_q2 (auction BIGINT, price BIGINT) WITH (${NEXMARK_SINK});

INSERT INTO nexmark_q2
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
