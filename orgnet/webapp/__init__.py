"""Where ``orgnet app`` points ``streamlit run``: a folder with no ``pages/`` beside the script.

Streamlit treats a ``pages/`` folder next to the main script as legacy multipage pages until
the script has run ``st.navigation`` once. ``orgnet/app.py`` sits beside ``orgnet/pages/``
(our page modules), so on a freshly started server a deep link such as ``/overview`` ran
``orgnet/pages/overview.py`` as a page of its own — a blank page listing every module in
the sidebar — until someone opened ``/``. Running from here avoids that.
"""
