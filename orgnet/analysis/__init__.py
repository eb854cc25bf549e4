"""Pure analysis over plain rows: linkage scoring (linkage.py) and network analysis (network.py).

No store and no Streamlit here: the queries hand rows in, the pages and the CLI present what
comes out.
"""
