"""党务公开 (issue 28 item 1): one mechanism for everything a branch makes public — an item with its 公示期 in
working days, previewed exactly as posted, posted to the unit's bound group through the outbox, printed on the
公开栏 sheet, open to private objections (异议) that the secretary answers; the secretary is told once at the end
of the period whether objections came in."""
