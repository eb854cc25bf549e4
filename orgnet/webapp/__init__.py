"""Holds the script ``orgnet app`` hands to ``streamlit run`` (see main.py)."""
