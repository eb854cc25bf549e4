"""``streamlit run`` entry of ``orgnet app`` (see the package docstring for why it lives here)."""

from orgnet.app import main

main()
