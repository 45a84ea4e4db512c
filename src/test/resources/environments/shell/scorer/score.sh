# The shell environment's scorer: the recipe's VALUE is the score. It trusts nothing it reads: only
# a plain number becomes a metric, and the result is stamped with this run's nonce.
value="$(head -c 32 "$EMPIRIC_OUT/value.txt" 2>/dev/null | tr -d '\n')"
if [[ "$value" =~ ^-?[0-9]{1,9}(\.[0-9]{1,9})?$ ]]; then
  printf '{"nonce": "%s", "metrics": {"score": %s}}' "$EMPIRIC_NONCE" "$value" > "$EMPIRIC_RESULT"
else
  printf '{"nonce": "%s", "error": "the recipe wrote no number to value.txt"}' "$EMPIRIC_NONCE" > "$EMPIRIC_RESULT"
fi
