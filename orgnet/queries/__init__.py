"""orgnet.queries"""
