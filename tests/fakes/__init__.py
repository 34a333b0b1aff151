"""Local fake upstreams that serve realistic, recorded-shape responses of the real APIs."""
