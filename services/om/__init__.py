"""O&M (运维): plans, visits, records, confirmations, reports, oversight, QC, instruments, vehicles."""
