"""The script ``orgnet app`` hands to ``streamlit run``.

It sits in a folder of its own on purpose: beside a ``pages/`` folder (as ``orgnet/app.py``
is), Streamlit treats every module there as a page of a legacy multipage app, and a deep link
such as ``/explorer?id=…`` in a fresh session opened that module (a blank page) instead of
the app's router (``st.navigation`` in :func:`orgnet.app.main`).
"""

from orgnet.app import main

main()
