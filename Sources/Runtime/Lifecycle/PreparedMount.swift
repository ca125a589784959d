import CShim

/// A mount ready for the C child.
struct PreparedMount {
    var kind: cshim_mount_kind
    var source: String?
    var target: String
    var data: String?
    var readOnly: Bool
    var refuseFinalSymlink: Bool

    func toC(_ arena: CStringArena) -> cshim_mount {
        cshim_mount(
            kind: Int32(kind.rawValue), source: arena.optionalString(source), target: arena.string(target),
            data: arena.optionalString(data), readonly: readOnly ? 1 : 0,
            refuse_final_symlink: refuseFinalSymlink ? 1 : 0)
    }
}
