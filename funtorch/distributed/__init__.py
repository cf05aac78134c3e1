"""Distributed training: collectives, process groups and data-parallel helpers."""
