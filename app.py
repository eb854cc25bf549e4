"""Root entry so that ``streamlit run app.py`` works from the repository root (runs orgnet/app.py).

Imported by the server (no script run yet), it is an ``st.App`` with orgnet's own route that
sets the session cookie (:mod:`orgnet.webapp.session`); run as the app's script (and by
``AppTest``), it runs the app.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:  # the server imports this file: the app, with its routes
    from orgnet.webapp.session import routes

    app = st.App(__file__, routes=routes())
else:  # a script run
    from orgnet.app import main

    main()
