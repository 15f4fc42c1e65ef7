# Re-exports only; filled by the owner of this folder.
