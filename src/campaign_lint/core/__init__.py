"""What every layer shares: findings and positions, YAML loading with positions, errors, small helpers."""
