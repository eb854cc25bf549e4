"""orgnet.pages"""
