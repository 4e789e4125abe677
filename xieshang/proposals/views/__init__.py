"""Pages of proposals and micro-proposals, by audience: members (drafting, co-signing, rating), the proposal page
with every role's actions, the staff, unit, supervisor and leader queues, public disclosure, statistics and the
printable documents. Every write goes through proposals.services."""
