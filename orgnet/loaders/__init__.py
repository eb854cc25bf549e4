"""orgnet.loaders"""
