"""Webcam scanning: frame decoding (zxing-cpp + pyzbar), presentation tracking, capture worker."""
