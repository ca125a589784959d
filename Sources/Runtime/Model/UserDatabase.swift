import Glibc

/// Reads /etc/passwd and /etc/group from a root filesystem given as overlay layers (the top-most
/// layer that has the file wins), and resolves Docker's `user[:group]` strings against them.
struct UserDatabase {
    struct User {
        var name: String
        var uid: UInt32
        var gid: UInt32
        var home: String
    }
    struct Group {
        var name: String
        var gid: UInt32
        var members: [String]
    }

    var users: [User] = []
    var groups: [Group] = []

    init(layers: [String]) {
        if let text = UserDatabase.readLayered("etc/passwd", layers: layers) {
            for line in text.split(separator: "\n") {
                let f = line.split(separator: ":", omittingEmptySubsequences: false)
                guard f.count >= 6, let uid = UInt32(f[2]), let gid = UInt32(f[3]) else { continue }
                users.append(User(name: String(f[0]), uid: uid, gid: gid, home: String(f[5])))
            }
        }
        if let text = UserDatabase.readLayered("etc/group", layers: layers) {
            for line in text.split(separator: "\n") {
                let f = line.split(separator: ":", omittingEmptySubsequences: false)
                guard f.count >= 3, let gid = UInt32(f[2]) else { continue }
                let members = f.count > 3 ? f[3].split(separator: ",").map(String.init) : []
                groups.append(Group(name: String(f[0]), gid: gid, members: members))
            }
        }
    }

    /// The file from the top-most layer that has it. Never follows a symlink: an image's
    /// /etc/passwd pointing at the host's must not be read.
    static func readLayered(_ relative: String, layers: [String]) -> String? {
        for layer in layers.reversed() {
            let path = layer + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0 { return nil }
            close(fd)
            return readSmallFile(path)
        }
        return nil
    }

    /// Resolves "", "name", "uid", "name:group", "uid:gid" (Docker's rules: an unknown name is an
    /// error, an unknown numeric uid runs with gid 0).
    func resolve(_ spec: String) throws -> ResolvedUser {
        if spec.isEmpty { return try resolve("0") }
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let userPart = parts[0]
        var result: ResolvedUser
        let name: String?
        if let uid = UInt32(userPart) {
            let entry = users.first { $0.uid == uid }
            result = ResolvedUser(uid: uid, gid: entry?.gid ?? 0, supplementaryGroups: [], home: entry?.home ?? "/")
            name = entry?.name
        } else {
            guard let entry = users.first(where: { $0.name == userPart }) else {
                throw RuntimeError(
                    .userNotFound,
                    "unable to find user '\(userPart)': no matching entry in the image's /etc/passwd; use a numeric uid or add the user to the image"
                )
            }
            result = ResolvedUser(uid: entry.uid, gid: entry.gid, supplementaryGroups: [], home: entry.home)
            name = entry.name
        }
        if parts.count == 2 {
            let groupPart = parts[1]
            if let gid = UInt32(groupPart) {
                result.gid = gid
            } else if let group = groups.first(where: { $0.name == groupPart }) {
                result.gid = group.gid
            } else {
                throw RuntimeError(
                    .userNotFound, "unable to find group '\(groupPart)': no matching entry in the image's /etc/group")
            }
        } else if let name {
            var extra = groups.filter { $0.members.contains(name) }.map(\.gid)
            extra.removeAll { $0 == result.gid }
            result.supplementaryGroups = [result.gid] + extra
        }
        if result.supplementaryGroups.isEmpty { result.supplementaryGroups = [result.gid] }
        return result
    }
}
