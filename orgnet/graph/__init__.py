"""orgnet.graph"""
