"""The early-warning pages; views validate input, call one service or selector, and render."""
