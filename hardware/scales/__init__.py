"""Serial scales: Mettler Toledo MT-SICS, NCI / Avery Weigh-Tronix, continuous output."""
