import Foundation
import Images

/// Which images containers use, read from the runtime's records
/// (`<stateRoot>/containers/<id>/state.json`, field `image`: an image id or reference).
enum ContainerImageUsage {
    /// Ids of the images of every container under `stateRoot`. A record that cannot be read
    /// counts as nothing; an image reference that no longer resolves as nothing either.
    static func imageIDs(stateRoot: String, store: ImageStore) -> Set<String> {
        let containers = stateRoot + "/containers"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: containers) else { return [] }
        var ids = Set<String>()
        for name in names {
            guard let data = FileManager.default.contents(atPath: "\(containers)/\(name)/state.json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            for key in ["image", "imageID", "imageId", "Image"] {
                guard let value = object[key] as? String, !value.isEmpty else { continue }
                if let image = try? store.image(value) { ids.insert(image.id) }
            }
        }
        return ids
    }
}
