"""red-dwarf's Polis pipeline on a Polis export folder, as a whole process (for the end-to-end comparison).

    bench/.venv-deliberation/bin/python bench/deliberation/reddwarf_export.py DIR

Reads votes.csv and comments.csv with pandas' C reader (red-dwarf's own dependency), keeps each pair's latest
vote and runs reddwarf.implementations.polis.run_pipeline with the moderated-out statements; prints k and the
number of grouped participants. Time it with /usr/bin/time -v.
"""

import sys
from pathlib import Path

import pandas as pd
from reddwarf.implementations.polis import run_pipeline


def main() -> None:
    d = Path(sys.argv[1])
    votes = pd.read_csv(d / "votes.csv", usecols=["timestamp", "comment-id", "voter-id", "vote"])
    votes = votes.sort_values("timestamp", kind="stable").drop_duplicates(["voter-id", "comment-id"], keep="last")
    comments = pd.read_csv(d / "comments.csv", usecols=["comment-id", "moderated"])
    mod = comments.loc[comments["moderated"] == -1, "comment-id"].tolist()
    records = [
        {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": int(t)}
        for t, s, p, v in votes[["timestamp", "comment-id", "voter-id", "vote"]].itertuples(index=False)
    ]
    result = run_pipeline(votes=records, mod_out_statement_ids=mod, random_state=0)
    labels = result.participants_df["cluster_id"].dropna()
    print(f"k={labels.nunique()} grouped={len(labels)}")


if __name__ == "__main__":
    main()
