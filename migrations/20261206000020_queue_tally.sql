-- The console's counts, kept rather than scanned (issue 20). With a
-- million requests, 5 % open, counting the open requests on every page
-- read 50,000 index entries; these two tables hold the same counts in a
-- few hundred rows. `requests::tally` keeps them in the transaction that
-- files a request or changes one, and a test on both databases checks
-- them against a full recount.

-- Open requests by status, right and handler ('' for none): the open
-- total, the counts by status and by right, mine and unassigned.
CREATE TABLE queue_tally (
    status TEXT NOT NULL,
    right_kind TEXT NOT NULL,
    assignee_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, right_kind, assignee_id)
);

-- Open requests by day: kind 'due' counts them by their queue key
-- (`open_due`: the due date, or 9999-12-31 while paused), for overdue and
-- due this week, which change with the date rather than with a write;
-- kind 'paused' counts the paused ones by the day their pause began, for
-- those awaiting the subject too long.
CREATE TABLE queue_days (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, day)
);

INSERT INTO queue_tally (status, right_kind, assignee_id, n)
    SELECT status, right_kind, COALESCE(assignee_id, ''), COUNT(*)
    FROM requests WHERE open_due IS NOT NULL
    GROUP BY status, right_kind, COALESCE(assignee_id, '');

INSERT INTO queue_days (kind, day, n)
    SELECT 'due', open_due, COUNT(*)
    FROM requests WHERE open_due IS NOT NULL
    GROUP BY open_due;

INSERT INTO queue_days (kind, day, n)
    SELECT 'paused', paused_since, COUNT(*)
    FROM requests WHERE open_due = '9999-12-31' AND paused_since IS NOT NULL
    GROUP BY paused_since;
