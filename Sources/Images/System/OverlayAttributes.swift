import CArchive
import Glibc

/// Overlayfs's markers as they appear in unpacked layer directories, for code that must see an
/// image's files as overlayfs would without mounting it (the builder's `COPY --from`).
public enum OverlayAttributes {
    /// Whether `directory` is opaque (`trusted.overlay.opaque=y`, or the `user.` spelling
    /// overlayfs honours with `userxattr`): it hides everything the layers below hold at its path.
    /// The xattr is read from the directory itself, never through a symbolic link (`lgetxattr`
    /// comes through CArchive's headers: Glibc's Swift module leaves `sys/xattr.h` out).
    public static func isOpaque(_ directory: String) -> Bool {
        for name in ["trusted.overlay.opaque", "user.overlay.opaque"] {
            var value: UInt8 = 0
            if lgetxattr(directory, name, &value, 1) == 1 && value == UInt8(ascii: "y") { return true }
        }
        return false
    }
}
