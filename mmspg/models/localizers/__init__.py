from .bag_cams import BagCAMs, bag_cams_map

__all__ = ['BagCAMs', 'bag_cams_map']
