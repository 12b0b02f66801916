"""The SIREN and SIRET validators live on the ground floor (anpp_portal.validators), where billing,
which imports no app, finds them too. Kept importable here: historical migrations name them so."""

from anpp_portal.validators import validate_siren, validate_siret

__all__ = ["validate_siren", "validate_siret"]
