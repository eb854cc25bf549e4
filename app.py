"""Root entry so that ``streamlit run app.py`` works from the repository root (runs orgnet/app.py)."""

from orgnet.app import main

main()
