# DEPRECATED name, kept for one release: use
# spg_inception-v3_2xb10_cub-321px.py.
# It now loads that recipe (the official SPG code's protocol: 321 px crops,
# weights at lr and biases at 2x with nesterov, constant lr, last epoch
# reported). Until this release it trained 256 -> 224 with a 10x head lr and
# selected its checkpoint on the split it reported; for the WSOL benchmark's
# protocol use the spg_inception-v3-wsolbench_1xb64_*.py recipes.
_base_ = ['./spg_inception-v3_2xb10_cub-321px.py']
