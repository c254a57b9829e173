"""The counter's office: operators and their PINs, baskets, the till's day, customer-service cases."""
